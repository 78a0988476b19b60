"""Build tabular features for a churn model with pandas and scikit-learn."""
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier


def load(path="customers.csv"):
    return pd.read_csv(path)


def add_features(df):
    scores = []
    for _, row in df.iterrows():
        scores.append(row["monthly_spend"] / max(row["tenure_months"], 1))
    df["spend_per_month"] = scores
    df["risk"] = df.apply(lambda r: r["complaints"] * 2 + r["late_payments"], axis=1)
    return df


def bootstrap_means(values, rounds=1000):
    means = np.array([])
    for _ in range(rounds):
        sample = np.random.choice(values, size=len(values))
        means = np.append(means, sample.mean())
    return means


if __name__ == "__main__":
    frame = add_features(load())
    clf = RandomForestClassifier(n_estimators=200)
    clf.fit(frame[["spend_per_month", "risk"]], frame["churned"])
    print(bootstrap_means(frame["monthly_spend"].to_numpy())[:5])
