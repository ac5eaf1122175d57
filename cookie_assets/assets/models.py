"""Candidate models per target and the champion that predictions use."""

from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AutomationCondition,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    Output,
    asset,
)

from cookie_assets.checks import CHAMPION_GATE, CHAMPION_MODEL, champion_gate_spec
from cookie_assets.compute import TrainingCompute
from cookie_assets.contract import restore_column_names
from cookie_assets.frames import Frame
from cookie_assets.location import MODEL_KINDS
from cookie_assets.partitions import targets
from mlops_common.alerting import AlertSink
from mlops_common.model_store import ModelNotFoundError, ModelStore

GROUP = "cookie_models"
CANDIDATE_MODELS = AssetKey(["cookie", "candidate_models"])


def candidate_name(target: str, family: str) -> str:
    return f"candidate/{target}/{family}"


def champion_name(target: str) -> str:
    return f"champion/{target}"


class CandidateConfig(Config):
    seed: int = 0
    """Random state of every estimator."""
    n_estimators: int = 200
    """Trees in the random forest and gradient boosting models."""


class ChampionConfig(Config):
    min_r2: float = 0.1
    """The holdout R² a new champion must reach to be promoted."""


def _holdout(training_data: Frame) -> tuple[Frame, Frame]:
    from cookie_assets.modeling.data import split_frames

    return split_frames(restore_column_names(training_data))


def _score_on(model, compute: TrainingCompute, test: Frame, target: str) -> dict:
    """Holdout R² and MAE of a fitted pipeline, predicting in the compute workspace."""
    from cookie_assets.modeling.candidates import prediction_columns, score

    with compute.workspace() as workspace:
        return score(model, workspace.to_dataset(test[prediction_columns()]), test, target)


@asset(
    key=CANDIDATE_MODELS,
    partitions_def=targets,
    group_name=GROUP,
    kinds=MODEL_KINDS,
    metadata={"partition_expr": "target"},
    ins={"training_data": AssetIn(AssetKey(["cookie", "training_data"]))},
    automation_condition=AutomationCondition.eager(),
)
def candidate_models(
    context: AssetExecutionContext,
    config: CandidateConfig,
    training_data: Frame,
    compute: TrainingCompute,
    model_store: ModelStore,
) -> Output[Frame]:
    """Fresh models for one target: LassoCV (as in the original), random forest and gradient
    boosting, each a snowflake-ml pipeline with its fitted scaling and one-hot encoding, scored
    on the holdout customers. The table lists each family's holdout R² and MAE."""
    import pandas as pd

    from cookie_assets.modeling.candidates import (
        FAMILIES,
        build_pipeline,
        fit,
        prediction_columns,
        scaling_of,
        score,
        training_columns,
    )

    target = context.partition_key
    train, test = _holdout(training_data)
    rows = []
    with compute.workspace() as workspace, model_store.writer(context.run_id) as writer:
        train_set = workspace.to_dataset(train[training_columns(target)])
        test_set = workspace.to_dataset(test[prediction_columns()])
        for family in FAMILIES:
            pipeline = build_pipeline(
                family, target, config.seed, config.n_estimators, workspace.identifier
            )
            fit(pipeline, train_set)
            scores = score(pipeline, test_set, test, target)
            info = {"target": target, "family": family, **scores, "train_rows": len(train)}
            version = writer.save(
                candidate_name(target, family), pipeline, {**info, "scaling": scaling_of(pipeline)}
            )
            rows.append({**info, "model_version": version})
    table = pd.DataFrame(rows)
    best = table.loc[table["r2"].idxmax()]
    return Output(
        table,
        metadata={
            "holdout": MetadataValue.md(table.round(4).to_markdown(index=False)),
            "best_family": str(best["family"]),
            "best_r2": float(best["r2"]),
        },
    )


@asset(
    key=CHAMPION_MODEL,
    partitions_def=targets,
    group_name=GROUP,
    kinds=MODEL_KINDS,
    ins={
        "candidate_models": AssetIn(CANDIDATE_MODELS),
        "training_data": AssetIn(AssetKey(["cookie", "training_data"])),
    },
    check_specs=[champion_gate_spec],
    automation_condition=AutomationCondition.eager(),
)
def champion_model(
    context: AssetExecutionContext,
    config: ChampionConfig,
    candidate_models: Frame,
    training_data: Frame,
    compute: TrainingCompute,
    model_store: ModelStore,
    alerts: AlertSink,
) -> MaterializeResult:
    """The model that predicts this target's boxes for new customers: the best of the fresh
    candidates and the current champion on today's holdout, promoted only through the gate."""
    from cookie_assets.modeling.champion import INCUMBENT, choose_champion, gate_refusals

    target = context.partition_key
    candidates = restore_column_names(candidate_models).set_index("family")
    try:
        incumbent = model_store.load_latest(champion_name(target))
    except ModelNotFoundError:
        incumbent, incumbent_scores, incumbent_r2 = None, {}, None
    else:  # the current champion is re-scored on today's holdout, like the candidates
        incumbent_scores = _score_on(incumbent.model, compute, _holdout(training_data)[1], target)
        incumbent_r2 = incumbent_scores["r2"]
    winner = choose_champion(candidates["r2"].to_dict(), incumbent_r2)
    metadata = {
        "candidates": MetadataValue.md(candidates[["r2", "mae"]].round(4).to_markdown()),
        "previous_champion": f"{incumbent.version} ({incumbent.metadata.get('family')})"
        if incumbent
        else "none",
        "previous_champion_r2": incumbent_r2 if incumbent_r2 is not None else float("nan"),
    }
    if winner == INCUMBENT:
        assert incumbent is not None
        return MaterializeResult(
            metadata={
                **metadata,
                "family": incumbent.metadata.get("family"),
                **incumbent_scores,
                "version": incumbent.version,
                "promoted": False,
            },
            check_results=[
                AssetCheckResult(
                    check_name=CHAMPION_GATE,
                    passed=True,
                    metadata={"decision": "kept the current champion", "r2": incumbent_r2},
                )
            ],
        )
    chosen = candidates.loc[winner]
    refusals = gate_refusals(float(chosen["r2"]), incumbent_r2, config.min_r2)
    if refusals:
        alerts.send(
            f"cookie: champion for {target} refused",
            f"Candidate **{winner}** was not promoted:\n\n" + "\n".join(f"- {r}" for r in refusals),
        )
        version = incumbent.version if incumbent else "none"
    else:
        stored = model_store.load_latest(candidate_name(target, winner))
        if stored.version != chosen["model_version"]:
            raise Failure(
                f"candidate {winner} for {target} changed since it was scored "
                f"({stored.version} != {chosen['model_version']}); rematerialise candidate_models"
            )
        with model_store.writer(context.run_id) as writer:
            version = writer.save(
                champion_name(target),
                stored.model,
                {**stored.metadata, "candidate": stored.version},
            )
    return MaterializeResult(
        metadata={
            **metadata,
            "family": winner,
            "r2": float(chosen["r2"]),
            "mae": float(chosen["mae"]),
            "version": version,
            "promoted": not refusals,
            "location": model_store.location(champion_name(target)),
        },
        check_results=[
            AssetCheckResult(
                check_name=CHAMPION_GATE,
                passed=not refusals,
                description="; ".join(refusals) or f"promoted {winner}",
                metadata={"min_r2": config.min_r2, "r2": float(chosen["r2"])},
            )
        ],
    )
