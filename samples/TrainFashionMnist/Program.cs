// Trains an MLP on Fashion-MNIST with the library directly, then computes a hypergradient:
// the derivative of the validation loss after a few SGD steps with respect to the learning rate.
// Run: dotnet run -c Release --project samples/TrainFashionMnist
using MLNet.HyperGrad.Data;
using MLNet.HyperGrad.Data.Idx;
using MLNet.HyperGrad.Models;
using MLNet.HyperGrad.Torch;
using MLNet.HyperGrad.Training;
using TorchSharp;
using static TorchSharp.torch;

FashionMnistData data = FashionMnist.Load();
using TensorDataset train = data.Train.ToTensors();
using TensorDataset test = data.Test.ToTensors();

var mlp = new Mlp([784, 128, 10]);
using var generator = new torch.Generator(seed: 0);
using ParameterSet weights = mlp.CreateParameters(generator);
var trainer = new Trainer(mlp, new TrainingOptions { Epochs = 3, BatchSize = 128, LearningRate = 0.05, Momentum = 0.9 });
foreach (EpochReport epoch in trainer.Fit(weights, train.Features, train.Labels, (test.Features, test.Labels)))
{
    Console.WriteLine($"epoch {epoch.Epoch}: train loss {epoch.TrainLoss:F4}, test accuracy {epoch.Validation!.Accuracy:F4}, {epoch.SamplesPerSecond:F0} samples/s");
}

// A hypergradient by reverse mode through 10 SGD steps: d(validation loss)/d(learning rate).
// Every step runs in one dispose scope on this thread (TorchSharp's scopes and grad mode are per thread).
using (torch.NewDisposeScope())
{
    Tensor learningRate = torch.tensor(0.05f).requires_grad_();
    Tensor momentum = torch.tensor(0.9f);
    Tensor[] w = weights.Select(t => t.detach().clone().requires_grad_()).ToArray();
    Tensor[] v = w.Select(t => torch.zeros_like(t)).ToArray();
    for (int step = 0; step < 10; step++)
    {
        Tensor x = train.Features.narrow(0, step * 128, 128);
        Tensor y = train.Labels.narrow(0, step * 128, 128);
        Tensor loss = torch.nn.functional.cross_entropy(mlp.Forward(w, x), y);
        Tensor[] g = TorchAutograd.Grad([loss], w, createGraph: true);
        (w, v) = SgdMomentum.Step(w, v, g, learningRate, momentum);
    }

    Tensor validationLoss = torch.nn.functional.cross_entropy(mlp.Forward(w, test.Features.narrow(0, 0, 1000)), test.Labels.narrow(0, 0, 1000));
    Tensor hypergradient = TorchAutograd.Grad(validationLoss, learningRate);
    Console.WriteLine($"validation loss {validationLoss.item<float>():F4}; d loss / d learning rate = {hypergradient.item<float>():F4}");
}
