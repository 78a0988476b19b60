"""Evaluation helper: never opened by the tests, so its findings come from "Analyze Workspace"."""
import torch.nn as nn


def wrap(model):
    return nn.DataParallel(model)
