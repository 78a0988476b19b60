"""Classify flowers with a Keras application model.

Needs TensorFlow (not installed on the GreenLens CI machines); GreenLens
analyses it statically.
"""
import tensorflow as tf
from tensorflow import keras

IMG_SIZE = (224, 224)

train_ds = keras.utils.image_dataset_from_directory("flowers", image_size=IMG_SIZE, batch_size=32)

base = keras.applications.VGG19(weights=None, include_top=False, input_shape=IMG_SIZE + (3,))
model = keras.Sequential([
    base,
    keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(5, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_ds, epochs=50)
model.save("flowers.keras")
