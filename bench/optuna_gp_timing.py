#!/usr/bin/python3
"""Times Optuna 5's GPSampler proposal (sample_relative) on the shared peer's test functions.

Imports ../shared/bench/optuna_peer.py (its functions and samplers, Optuna from ../shared/peers/python) and
wraps GPSampler.sample_relative with a timer. Usage: optuna_gp_timing.py PEER_SCRIPT FUNCTION [--trials 50] [--seeds 2]
Prints one JSON line per seed: the proposal milliseconds of every trial (0 for the startup trials' cheap path).
"""
import argparse, importlib.util, json, os, sys, time

def main():
    p = argparse.ArgumentParser()
    p.add_argument("peer")
    p.add_argument("function")
    p.add_argument("--trials", type=int, default=50)
    p.add_argument("--seeds", type=int, default=2)
    a = p.parse_args()
    spec = importlib.util.spec_from_file_location("optuna_peer", a.peer)
    peer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peer)
    optuna = peer.optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    original = optuna.samplers.GPSampler.sample_relative
    times = []
    def timed(self, study, trial, search_space):
        start = time.perf_counter()
        result = original(self, study, trial, search_space)
        times.append((trial.number, (time.perf_counter() - start) * 1000))
        return result
    optuna.samplers.GPSampler.sample_relative = timed
    f, bounds, fmin = peer.FUNCTIONS[a.function]
    for seed in range(a.seeds):
        times.clear()
        study = optuna.create_study(sampler=peer.sampler("gp", seed))
        study.optimize(lambda t: f([t.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]), n_trials=a.trials)
        ms = [0.0] * a.trials
        for number, value in times:
            ms[number] = value
        print(json.dumps({"function": a.function, "seed": seed, "proposal_ms": ms}))

if __name__ == "__main__":
    main()
