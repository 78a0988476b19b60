/**
 * Generates a realistic PyTorch training script of about `lines` lines:
 * imports, a model, datasets, helpers, train/eval loops, argparse, logging —
 * repeated blocks with varied names so the parser sees real-world shapes.
 */
export function generateTrainingScript(lines = 2000): string {
  const head = `"""Synthetic training script used by the GreenLens benchmarks."""
import argparse
import math
import os
import time

import numpy as np
import pandas as pd
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
import torchvision.models as tvm

EPOCHS = 50
BATCH_SIZE = 64
LR = 3e-4
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
`;
  const block = (i: number) => `

class Block${i}(nn.Module):
    """Residual block number ${i}."""

    def __init__(self, channels=64):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + x)


class Dataset${i}(Dataset):
    def __init__(self, n=1024):
        self.x = torch.randn(n, 3, 32, 32)
        self.y = torch.randint(0, 10, (n,))

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]


def features_${i}(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for _, row in frame.iterrows():
        out.loc[_, "score"] = row["a"] * 2 + row["b"]
    out["ratio"] = out["a"] / (out["b"] + 1e-6)
    return out


def train_epoch_${i}(model, loader, optimizer, scaler=None):
    model.train()
    total = 0.0
    for step, (x, y) in enumerate(loader):
        x, y = x.to(device), y.to(device)
        optimizer.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()
        total += loss.item()
        if step % 100 == 0:
            print(f"step {step} loss {loss.item():.4f}")
    return total / max(1, len(loader))


def evaluate_${i}(model, loader):
    model.eval()
    correct = 0
    seen = 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        pred = model(x).argmax(dim=1)
        correct += (pred == y).sum().item()
        seen += y.numel()
    return correct / max(1, seen)


def run_${i}(args):
    model = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), Block${i}(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)).to(device)
    backbone = tvm.resnet152(weights=None)
    train_loader = DataLoader(Dataset${i}(), batch_size=BATCH_SIZE, shuffle=True)
    val_loader = DataLoader(Dataset${i}(256), batch_size=BATCH_SIZE, num_workers=2, pin_memory=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR)
    history = torch.zeros(0)
    for epoch in range(args.epochs):
        started = time.time()
        loss = train_epoch_${i}(model, train_loader, optimizer)
        acc = evaluate_${i}(model, val_loader)
        history = torch.cat([history, torch.tensor([loss])])
        print(f"epoch {epoch} loss {loss:.3f} acc {acc:.3f} in {time.time() - started:.1f}s")
    return model, history
`;
  let text = head;
  let i = 0;
  while (text.split('\n').length < lines - 20) text += block(i++);
  text += `

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--arch", default="resnet152")
    args = parser.parse_args()
    run_0(args)


if __name__ == "__main__":
    main()
`;
  return text;
}
