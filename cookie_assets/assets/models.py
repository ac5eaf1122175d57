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
from pydantic import Field

from cookie_assets.checks import CHAMPION_GATE, CHAMPION_MODEL, champion_gate_spec
from cookie_assets.compute import TrainingCompute
from cookie_assets.contract import restore_column_names
from cookie_assets.frames import Frame
from cookie_assets.location import MODEL_KINDS
from cookie_assets.modeling.candidates import DEFAULT_N_ESTIMATORS
from cookie_assets.partitions import targets
from mlops_common.model_store import ModelNotFoundError, ModelStore

GROUP = "cookie_models"
CANDIDATE_MODELS = AssetKey(["cookie", "candidate_models"])
TRAINING_DATA_IN = AssetIn(AssetKey(["cookie", "training_data"]))


def candidate_name(target: str, family: str) -> str:
    return f"candidate/{target}/{family}"


def champion_name(target: str) -> str:
    return f"champion/{target}"


class CandidateConfig(Config):
    seed: int = Field(
        default=0, description="Seed of the cross-validation folds and of every estimator."
    )
    n_estimators: int = Field(
        default=DEFAULT_N_ESTIMATORS,
        description="Trees in the random forest and gradient boosting models.",
    )


class ChampionConfig(Config):
    min_r2: float = Field(
        default=0.1,
        description="The cross-validated R² a challenger must reach to become champion.",
    )


def _customers_for(training_data: Frame, target: str) -> tuple[Frame, Frame]:
    """The training and holdout customers; a Failure naming the target and the counts when
    they are too few to train and score it."""
    from cookie_assets.modeling.cross_validation import TooFewCustomers, require_enough_customers
    from cookie_assets.modeling.data import split_frames

    train, test = split_frames(restore_column_names(training_data))
    try:
        require_enough_customers(train, test, target)
    except TooFewCustomers as error:
        raise Failure(str(error), metadata=error.metadata) from error
    return train, test


def _figures_table(table: Frame) -> str:
    """Markdown: per family, CV R² and MAE as mean ± standard error, and the holdout figures."""
    columns = {
        "CV R²": table["r2"].map("{:.3f}".format) + " ± " + table["r2_std"].map("{:.3f}".format),
        "CV MAE": table["mae"].map("{:.2f}".format) + " ± " + table["mae_std"].map("{:.2f}".format),
        "holdout R²": table["holdout_r2"].round(3),
        "holdout MAE": table["holdout_mae"].round(2),
    }
    return table.assign(**columns)[["family", *columns]].to_markdown(index=False)


@asset(
    key=CANDIDATE_MODELS,
    partitions_def=targets,
    group_name=GROUP,
    kinds=MODEL_KINDS,
    metadata={"partition_expr": "target"},
    ins={"training_data": TRAINING_DATA_IN},
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
    boosting, each a snowflake-ml pipeline with its fitted scaling and one-hot encoding. Each
    family is judged by repeated cross-validation on the training customers (mean ± standard
    error of R² and MAE), then fitted on all of them and scored once on the holdout customers."""
    from dataclasses import asdict

    import pandas as pd

    from cookie_assets.modeling.candidates import (
        FAMILIES,
        build_pipeline,
        fit,
        holdout_score,
        prediction_columns,
        scaling_of,
        training_columns,
    )
    from cookie_assets.modeling.champion import best_candidate
    from cookie_assets.modeling.cross_validation import cross_validate

    target = context.partition_key
    train, test = _customers_for(training_data, target)
    validated = {
        family: cross_validate(train, family, target, config.seed, config.n_estimators)
        for family in FAMILIES
    }
    rows = []
    with compute.workspace() as workspace, model_store.writer(context.run.run_id) as writer:
        train_set = workspace.to_dataset(train[training_columns(target)])
        test_set = workspace.to_dataset(test[prediction_columns()])
        for family in FAMILIES:
            pipeline = build_pipeline(
                family, target, config.seed, config.n_estimators, workspace.identifier
            )
            fit(pipeline, train_set)
            info = {
                "target": target,
                "family": family,
                **asdict(validated[family]),
                **holdout_score(pipeline, test_set, test, target),
                "train_rows": len(train),
                "holdout_rows": len(test),
                "seed": config.seed,
                "n_estimators": config.n_estimators,
            }
            version = writer.save(
                candidate_name(target, family), pipeline, {**info, "scaling": scaling_of(pipeline)}
            )
            rows.append({**info, "model_version": version})
    table = pd.DataFrame(rows)
    best = best_candidate(validated)
    return Output(
        table,
        metadata={
            "candidates": MetadataValue.md(_figures_table(table)),
            "best_family": best,
            "best_cv_r2": validated[best].r2,
            "best_cv_r2_std": validated[best].r2_std,
        },
    )


@asset(
    key=CHAMPION_MODEL,
    partitions_def=targets,
    group_name=GROUP,
    kinds=MODEL_KINDS,
    ins={"candidate_models": AssetIn(CANDIDATE_MODELS), "training_data": TRAINING_DATA_IN},
    check_specs=[champion_gate_spec],
    automation_condition=AutomationCondition.eager(),
)
def champion_model(
    context: AssetExecutionContext,
    config: ChampionConfig,
    candidate_models: Frame,
    training_data: Frame,
    model_store: ModelStore,
) -> MaterializeResult:
    """The model that predicts this target's boxes for new customers. The best fresh candidate
    by cross-validated R² replaces it only when it is better by more than the noise of the
    comparison, with the current champion re-validated on the same folds of today's training
    customers; the champion_gate check records the decision and fails on a refusal."""
    from cookie_assets.modeling.champion import PROMOTE, REFUSE, RULE, decide_champion
    from cookie_assets.modeling.cross_validation import cross_validate, validated_by_family

    target = context.partition_key
    candidates = restore_column_names(candidate_models)
    validated = validated_by_family(candidates)
    candidates = candidates.set_index("family")
    try:
        incumbent = model_store.load_latest(champion_name(target))
    except ModelNotFoundError:
        incumbent, incumbent_cv = None, None
    else:  # its recipe on today's customers and folds (champions from before CV: 200 trees)
        train, _ = _customers_for(training_data, target)
        incumbent_cv = cross_validate(
            train,
            incumbent.metadata["family"],
            target,
            seed=int(candidates["seed"].iloc[0]),
            n_estimators=int(incumbent.metadata.get("n_estimators", DEFAULT_N_ESTIMATORS)),
        )
    gate = decide_champion(validated, incumbent_cv, config.min_r2)
    if gate.decision == PROMOTE:
        stored = model_store.load_latest(candidate_name(target, gate.challenger))
        expected = candidates.loc[gate.challenger, "model_version"]
        if stored.version != expected:
            raise Failure(
                f"candidate {gate.challenger} for {target} changed since it was scored "
                f"({stored.version} != {expected}); rematerialise candidate_models"
            )
        with model_store.writer(context.run.run_id) as writer:
            version = writer.save(
                champion_name(target),
                stored.model,
                {**stored.metadata, "candidate": stored.version},
            )
        family = gate.challenger
    else:
        version = incumbent.version if incumbent else "none"
        family = incumbent.metadata.get("family") if incumbent else "none"
    check_metadata = {
        "decision": gate.decision,
        "rule": RULE,
        "reasons": MetadataValue.md("\n".join(f"- {reason}" for reason in gate.reasons)),
        "challenger": gate.challenger,
        **gate.figures,
    }
    return MaterializeResult(
        metadata={
            **check_metadata,
            "candidates": MetadataValue.md(_figures_table(candidates.reset_index())),
            "previous_champion": f"{incumbent.version} ({incumbent.metadata.get('family')})"
            if incumbent
            else "none",
            "family": family,
            "version": version,
            "promoted": gate.decision == PROMOTE,
            "location": model_store.location(champion_name(target)),
        },
        check_results=[
            AssetCheckResult(
                check_name=CHAMPION_GATE,
                passed=gate.decision != REFUSE,
                description=f"{gate.decision}: " + "; ".join(gate.reasons),
                metadata=check_metadata,
            )
        ],
    )
