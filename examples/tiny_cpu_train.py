"""A small PyTorch model that really trains on a CPU in a few seconds.

Run it with "GreenLens: Run with Energy Profile" (or `greenlens run -- python3
examples/tiny_cpu_train.py`) to see a measured run. Data are synthetic, so it
needs nothing but PyTorch.
"""
import argparse

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


def make_data(n=2048, features=32, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, features, generator=g)
    w = torch.randn(features, 1, generator=g)
    y = (x @ w + 0.1 * torch.randn(n, 1, generator=g) > 0).float()
    return x, y


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()

    torch.manual_seed(0)
    x_all, y_all = make_data()
    loader = DataLoader(TensorDataset(x_all, y_all), batch_size=64, shuffle=True)
    model = nn.Sequential(nn.Linear(32, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(args.epochs):
        total = torch.zeros(())
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.detach()
        print(f"epoch {epoch + 1}/{args.epochs} loss {total.item() / len(loader):.4f}", flush=True)


if __name__ == "__main__":
    main()
