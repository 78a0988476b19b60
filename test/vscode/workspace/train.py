"""A small CIFAR-10 training script with three energy-wasting patterns GreenLens flags."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

device = torch.device("cuda")

train_set = datasets.CIFAR10("data", train=True, download=True, transform=transforms.ToTensor())
loader = DataLoader(train_set, batch_size=128, shuffle=True, num_workers=4)

model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 10))
model = nn.DataParallel(model).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(10):
    running = 0.0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        running += loss.item()
    print(f"epoch {epoch}: loss {running / len(loader):.3f}")
