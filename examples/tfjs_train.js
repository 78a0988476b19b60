// Train a tiny TensorFlow.js model in Node on synthetic data.
// (GreenLens's TensorFlow.js rules, GL5xx, arrive in a later release.)
const tf = require('@tensorflow/tfjs');

async function main() {
  const xs = tf.randomNormal([512, 8]);
  const ys = xs.sum(1, true).greater(0).toFloat();
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
  });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  await model.fit(xs, ys, {
    epochs: 5,
    callbacks: {
      onEpochEnd: (epoch, logs) => console.log(`epoch ${epoch + 1}/5 loss ${logs.loss.toFixed(4)}`),
    },
  });
  for (let i = 0; i < 10; i++) {
    const p = model.predict(xs.slice([i, 0], [1, 8]));
    console.log(p.dataSync()[0]);
  }
}

main();
