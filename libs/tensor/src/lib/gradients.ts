// tfjs-core's Node bundle carries no gradient functions; the `@tensorflow/tfjs` bundle registers all of them into
// tfjs' global gradient registry when loaded. Importing @pfgm/tensor is enough for autograd to work everywhere.
import '@tensorflow/tfjs';
