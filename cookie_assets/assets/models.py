"""Candidate models per target and the champion that predictions use."""

from typing import TYPE_CHECKING

from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    AutomationCondition,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    Output,
    asset,
)
from pydantic import Field

from cookie_assets.assets.tables import partitioned_table_asset
from cookie_assets.checks import CHAMPION_GATE, champion_gate_spec
from cookie_assets.compute import TrainingCompute
from cookie_assets.frames import Frame
from cookie_assets.modeling.candidates import DEFAULT_N_ESTIMATORS
from cookie_assets.partitions import targets
from mlops_common.model_store import ModelNotFoundError, ModelStore, StoredModel

if TYPE_CHECKING:
    from cookie_assets.modeling.cross_validation import CrossValidated

GROUP = "cookie_models"


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

    train, test = split_frames(training_data)
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


@partitioned_table_asset(
    GROUP,
    targets,
    "target",
    extra_kinds={"scikitlearn"},
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
    with (
        compute.workspace() as workspace,
        model_store.writer(context.op_execution_context.run_id) as writer,
    ):
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


def _revalidated_incumbent(
    incumbent: StoredModel, training_data: Frame, target: str, seed: int
) -> "CrossValidated":
    """The champion's recipe cross-validated on today's training customers and folds
    (champions from before cross-validation have no n_estimators: 200 trees)."""
    from cookie_assets.modeling.cross_validation import cross_validate

    train, _ = _customers_for(training_data, target)
    n_estimators = int(incumbent.metadata.get("n_estimators", DEFAULT_N_ESTIMATORS))
    return cross_validate(train, incumbent.metadata["family"], target, seed, n_estimators)


def _promote(
    model_store: ModelStore, run_id: str, target: str, challenger: str, expected_version: str
) -> StoredModel:
    """Stores the challenger's candidate model as the target's new champion version."""
    stored = model_store.load_latest(candidate_name(target, challenger))
    if stored.version != expected_version:
        raise Failure(
            f"candidate {challenger} for {target} changed since it was scored "
            f"({stored.version} != {expected_version}); rematerialise candidate_models"
        )
    metadata = {**stored.metadata, "candidate": stored.version}
    with model_store.writer(run_id) as writer:
        version = writer.save(champion_name(target), stored.model, metadata)
    return StoredModel(champion_name(target), version, stored.model, metadata)


def _described(model: StoredModel | None) -> str:
    return f"{model.version} ({model.metadata.get('family')})" if model else "none"


@asset(
    partitions_def=targets,
    group_name=GROUP,
    kinds={"scikitlearn"},
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
    customers (see `decide_champion`); the champion_gate check records that decision and fails
    on a refusal, and the asset records which champion is in use."""
    from cookie_assets.modeling.champion import PROMOTE, RULE, decide_champion
    from cookie_assets.modeling.cross_validation import validated_by_family

    target = context.partition_key
    candidates = candidate_models.set_index("family")
    try:
        incumbent = model_store.load_latest(champion_name(target))
    except ModelNotFoundError:
        incumbent = None
    seed = int(candidates["seed"].iloc[0])
    gate = decide_champion(
        validated_by_family(candidate_models),
        _revalidated_incumbent(incumbent, training_data, target, seed) if incumbent else None,
        config.min_r2,
    )
    champion = incumbent
    if gate.decision == PROMOTE:
        expected = candidates.loc[gate.challenger, "model_version"]
        champion = _promote(
            model_store, context.op_execution_context.run_id, target, gate.challenger, expected
        )
    return MaterializeResult(
        metadata={
            "candidates": MetadataValue.md(_figures_table(candidate_models)),
            "previous_champion": _described(incumbent),
            "family": champion.metadata.get("family") if champion else "none",
            "version": champion.version if champion else "none",
            "promoted": gate.decision == PROMOTE,
            "location": model_store.location(champion_name(target)),
        },
        check_results=[
            AssetCheckResult(
                check_name=CHAMPION_GATE,
                passed=gate.passed,
                description=gate.summary,
                metadata={
                    "decision": gate.decision,
                    "rule": RULE,
                    "reasons": MetadataValue.md("\n".join(f"- {r}" for r in gate.reasons)),
                    "challenger": gate.challenger,
                    **gate.figures,
                },
            )
        ],
    )
