"""Fine-tune a BERT model for sentiment classification with Hugging Face.

Needs `transformers` and `datasets` (not installed on the GreenLens CI
machines); GreenLens analyses it statically.
"""
import torch
from datasets import load_dataset
from torch.utils.data import DataLoader
from transformers import AutoModelForSequenceClassification, AutoTokenizer

CHECKPOINT = "bert-large-uncased"
device = "cuda"

tokenizer = AutoTokenizer.from_pretrained(CHECKPOINT)
model = AutoModelForSequenceClassification.from_pretrained(CHECKPOINT, num_labels=2).to(device)

raw = load_dataset("imdb")


def tokenize(batch):
    return tokenizer(batch["text"], truncation=True, padding="max_length", max_length=256)


train = raw["train"].map(tokenize, batched=True).with_format("torch")
loader = DataLoader(train, batch_size=16, shuffle=True, num_workers=0)
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5)

torch.autograd.set_detect_anomaly(True)

for epoch in range(3):
    model.train()
    for step, batch in enumerate(loader):
        batch = {k: v.to(device) for k, v in batch.items() if k in ("input_ids", "attention_mask", "label")}
        outputs = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["label"])
        optimizer.zero_grad()
        outputs.loss.backward()
        optimizer.step()
        if step % 100 == 0:
            print(f"epoch {epoch + 1}/3 step {step} loss {outputs.loss.item():.4f}")

model.save_pretrained("bert-imdb")
