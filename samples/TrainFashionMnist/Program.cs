// Trains an MLP on Fashion-MNIST with the library directly, then computes a hypergradient:
// the derivative of the validation loss after a few SGD steps with respect to the learning rate.
// Run: dotnet run -c Release --project samples/TrainFashionMnist
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;

FashionMnistData data = FashionMnist.Load();
using TensorDataset train = data.Train.ToTensors();
using TensorDataset test = data.Test.ToTensors();

var mlp = new Mlp([784, 128, 10]);
using var generator = new Generator(seed: 0);
using ParameterSet weights = mlp.CreateParameters(generator);
var trainer = new Trainer(mlp, new TrainingOptions { Epochs = 3, BatchSize = 128, LearningRate = 0.05, Momentum = 0.9 });
foreach (EpochReport epoch in trainer.Fit(weights, train.Features, train.Labels, (test.Features, test.Labels)))
{
    Console.WriteLine($"epoch {epoch.Epoch}: train loss {epoch.TrainLoss:F4}, test accuracy {epoch.Validation!.Accuracy:F4}, {epoch.SamplesPerSecond:F0} samples/s");
}

// A hypergradient by reverse mode through 10 SGD steps: d(validation loss)/d(learning rate).
using (DisposeScope.Begin())
{
    Tensor learningRate = Tensor.ScalarTensor(0.05).RequiresGrad_();
    Tensor momentum = Tensor.ScalarTensor(0.9);
    Tensor[] w = weights.Select(t => t.Detach().Clone().RequiresGrad_()).ToArray();
    Tensor[] v = w.Select(t => Tensor.Zeros(t.Shape)).ToArray();
    for (int step = 0; step < 10; step++)
    {
        Tensor x = train.Features.Narrow(0, step * 128, 128);
        Tensor y = train.Labels.Narrow(0, step * 128, 128);
        Tensor loss = Functional.CrossEntropy(mlp.Forward(w, x), y);
        Tensor[] g = Autograd.Grad([loss], w, createGraph: true);
        (w, v) = SgdMomentum.Step(w, v, g, learningRate, momentum);
    }

    Tensor validationLoss = Functional.CrossEntropy(mlp.Forward(w, test.Features.Narrow(0, 0, 1000)), test.Labels.Narrow(0, 0, 1000));
    Tensor hypergradient = Autograd.Grad(validationLoss, learningRate);
    Console.WriteLine($"validation loss {validationLoss.ToDouble():F4}; d loss / d learning rate = {hypergradient.ToDouble():F4}");
}
