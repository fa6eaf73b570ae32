#!/usr/bin/python3
"""Optuna 5 ask-and-tell over stdin/stdout, so that a C# program evaluates the trials with its own trainer.

Optuna 5.0.0rc1 is vendored in ../shared/peers/python (beside the repository) and put first on sys.path
(as ../shared/bench/optuna_peer.py does); it needs Debian's python3-numpy, python3-packaging,
python3-colorlog and python3-tqdm (scripts/setup.sh installs them).

Usage: optuna_ask_tell.py --sampler tpe|tpe-indep|gp|random --seed S --space JSON [--optuna-path DIR]
  JSON: a list of {"name": str, "low": float, "high": float, "log": bool, "type": "float"|"int"|"categorical"}, one
  dimension each; "type" defaults to "float" (FloatDistribution); "int" is IntDistribution(low, high, log);
  "categorical" is CategoricalDistribution over the indices low..high (low must be 0; the answer is the index).
  A dimension may carry "when": {"name": other, "in": [values]}: it is then suggested only when the earlier dimension
  `other` took one of those values (define-by-run, as an Optuna user writes a conditional space), and is absent from
  "params" otherwise.
  "gp" is Optuna 5's GPSampler at its defaults (10 startup trials); it needs Debian's python3-torch and python3-scipy.
Protocol, one JSON object per line, the C# side speaks first and the driver answers each request with one line:
  {"ask": true}                              -> {"number": n, "params": {name: value, ...}}
  {"tell": n, "value": x}                    -> {"told": n}     (x finite; smaller is better)
  {"tell": n, "failed": true}                -> {"told": n}     (a failed trial: TrialState.FAIL, ignored by TPE)
  end of input                               -> the driver exits 0
A line it cannot serve gets {"error": "..."} and the driver exits 1. The first line it prints, before any request, is
{"ready": true, "optuna": "<version>", "sampler": "<name>", "seed": S}. Nothing else is written to stdout.
"""
import argparse, json, math, os, sys

def load_optuna(path):
    sys.path.insert(0, path)
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna

def make_sampler(optuna, name, seed):
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "tpe-indep":
        return optuna.samplers.TPESampler(seed=seed, multivariate=False)
    if name == "gp":
        return optuna.samplers.GPSampler(seed=seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    raise SystemExit(f"unknown sampler {name}")

def distribution(optuna, d):
    kind = d.get("type", "float")
    if kind == "float":
        return optuna.distributions.FloatDistribution(float(d["low"]), float(d["high"]), log=bool(d.get("log", False)))
    if kind == "int":
        return optuna.distributions.IntDistribution(int(d["low"]), int(d["high"]), log=bool(d.get("log", False)))
    if kind == "categorical":
        if int(d["low"]) != 0 or d.get("log", False):
            raise SystemExit(f"categorical dimension {d['name']} needs low 0 and no log scale")
        return optuna.distributions.CategoricalDistribution(list(range(int(d["high"]) + 1)))
    raise SystemExit(f"unknown dimension type {kind} for {d['name']}")

def ask_conditional(study, space, distributions):
    trial = study.ask()
    for d in space:
        when = d.get("when")
        if when is not None and trial.params.get(when["name"]) not in when["in"]:
            continue
        trial._suggest(d["name"], distributions[d["name"]])
    return trial

def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser()
    p.add_argument("--sampler", default="tpe")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--space", required=True)
    p.add_argument("--optuna-path", default=os.path.join(here, "..", "..", "..", "shared", "peers", "python"))
    a = p.parse_args()
    optuna = load_optuna(os.path.abspath(a.optuna_path))
    space = json.loads(a.space)
    distributions = {d["name"]: distribution(optuna, d) for d in space}
    conditional = any(d.get("when") is not None for d in space)
    study = optuna.create_study(direction="minimize", sampler=make_sampler(optuna, a.sampler, a.seed))
    pending = {}
    reply({"ready": True, "optuna": optuna.__version__, "sampler": a.sampler, "seed": a.seed})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
            if request.get("ask"):
                trial = study.ask(distributions) if not conditional else ask_conditional(study, space, distributions)
                pending[trial.number] = trial
                reply({"number": trial.number, "params": trial.params})
            elif "tell" in request:
                trial = pending.pop(int(request["tell"]))
                if request.get("failed"):
                    study.tell(trial, state=optuna.trial.TrialState.FAIL)
                else:
                    value = float(request["value"])
                    if not math.isfinite(value):
                        raise ValueError(f"value {value} is not finite; tell a failed trial instead")
                    study.tell(trial, value)
                reply({"told": trial.number})
            else:
                raise ValueError("expected {\"ask\": true} or {\"tell\": n, ...}")
        except Exception as e:  # report to the C# side, which shows it with the request
            reply({"error": f"{type(e).__name__}: {e}", "request": line})
            return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
