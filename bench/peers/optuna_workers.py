#!/usr/bin/python3
"""One Optuna 5 worker on a study in RDB storage (PostgreSQL), the peer of `bash bench/run.sh workers`.

Optuna 5.0.0rc1 is vendored in ../shared/peers/python (beside the repository) and put first on sys.path; its RDB storage
needs Debian's python3-sqlalchemy and python3-alembic, and python3-psycopg2 for postgresql:// URLs (scripts/setup.sh).

Usage:
  optuna_workers.py --storage URL --study NAME --create
      creates the study (minimize) and exits, so that workers started together only load it.
  optuna_workers.py --storage URL --study NAME --trials N --sleep-ms S --seed K
      runs trials until the study holds N trials (MaxTrialsCallback, every state), with RandomSampler(seed=K) (each
      worker its own seed, so that workers do not propose the same points) and an objective that sleeps S ms and
      returns a 2-D quadratic; then prints one line
      `worker: trials T, start-unix-ms A, end-unix-ms B, objective-ms O` (the clock starts after the storage is built).
  optuna_workers.py --storage URL --study NAME --stats
      prints `stats: complete C, total T, distinct D` (D: distinct parameter sets among complete trials).
URL: postgresql+psycopg2://user@host:port/db (SQLAlchemy's form). Optuna's tables go to the PostgreSQL schema --schema
(default optuna, created by --create), since ours has tables of the same names in the public schema of the same database.
"""
import argparse, os, sys, time


def load_optuna(path):
    sys.path.insert(0, path)
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser()
    p.add_argument("--storage", required=True)
    p.add_argument("--study", required=True)
    p.add_argument("--create", action="store_true")
    p.add_argument("--stats", action="store_true")
    p.add_argument("--trials", type=int, default=100)
    p.add_argument("--sleep-ms", type=float, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--schema", default="optuna")
    p.add_argument("--optuna-path", default=os.path.join(here, "..", "..", "..", "shared", "peers", "python"))
    a = p.parse_args()
    optuna = load_optuna(a.optuna_path)
    # Optuna's tables live in their own PostgreSQL schema: ours has tables of the same names (studies, trials) in public.
    if a.create:
        import sqlalchemy
        engine = sqlalchemy.create_engine(a.storage)
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(f'CREATE SCHEMA IF NOT EXISTS "{a.schema}"'))
        engine.dispose()
    storage = optuna.storages.RDBStorage(a.storage, engine_kwargs={"connect_args": {"options": f"-csearch_path={a.schema}"}})
    if a.create:
        optuna.create_study(storage=storage, study_name=a.study, direction="minimize")
        return
    if a.stats:
        study = optuna.load_study(study_name=a.study, storage=storage)
        trials = study.get_trials(deepcopy=False)
        complete = [t for t in trials if t.state == optuna.trial.TrialState.COMPLETE]
        distinct = len({tuple(sorted(t.params.items())) for t in complete})
        print(f"stats: complete {len(complete)}, total {len(trials)}, distinct {distinct}", flush=True)
        return

    objective_seconds = 0.0
    count = 0

    def objective(trial):
        nonlocal objective_seconds, count
        # suggest_float writes the parameter to the storage: that is storage time, outside the objective's clock.
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", 0, 1)
        start = time.perf_counter()
        if a.sleep_ms > 0:
            time.sleep(a.sleep_ms / 1000)
        value = (x - 0.3) ** 2 + (y - 0.6) ** 2
        objective_seconds += time.perf_counter() - start
        count += 1
        return value

    start_ms = time.time() * 1000
    study = optuna.load_study(study_name=a.study, storage=storage, sampler=optuna.samplers.RandomSampler(seed=a.seed))
    study.optimize(objective, callbacks=[optuna.study.MaxTrialsCallback(a.trials, states=None)])
    end_ms = time.time() * 1000
    print(f"worker: trials {count}, start-unix-ms {start_ms:.3f}, end-unix-ms {end_ms:.3f}, objective-ms {objective_seconds * 1000:.3f}", flush=True)


if __name__ == "__main__":
    main()
