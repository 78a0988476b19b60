"""Train an image classifier on CIFAR-10 with a torchvision ResNet.

A typical research script: it works, but GreenLens finds several ways it
wastes energy (open it in VS Code with GreenLens to see them).
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
import torchvision.transforms as T
from torch.utils.data import DataLoader

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def get_loaders(batch_size):
    transform = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor()])
    train_set = torchvision.datasets.CIFAR10("data", train=True, download=True, transform=transform)
    test_set = torchvision.datasets.CIFAR10("data", train=False, download=True, transform=T.ToTensor())
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=512)
    return train_loader, test_loader


def build_model():
    model = torchvision.models.resnet152(weights=None, num_classes=10)
    return model.to(device)


def train_one_epoch(model, loader, optimizer):
    model.train()
    running_loss = 0.0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    return running_loss / len(loader)


def evaluate(model, loader):
    model.eval()
    correct = 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        outputs = model(images)
        correct += (outputs.argmax(1) == labels).sum()
    return correct.item() / len(loader.dataset)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args()

    train_loader, test_loader = get_loaders(args.batch_size)
    model = build_model()
    if torch.cuda.device_count() > 1:
        model = nn.DataParallel(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    for epoch in range(args.epochs):
        loss = train_one_epoch(model, train_loader, optimizer)
        acc = evaluate(model, test_loader)
        print(f"epoch {epoch + 1}/{args.epochs} loss {loss:.3f} acc {acc:.3f}")
    torch.save(model.state_dict(), "cifar_resnet152.pt")


if __name__ == "__main__":
    main()
