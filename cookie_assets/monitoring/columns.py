"""The predictions table: one row per new customer and target (besides `day` and
`customer_id`), which the bake plan and the realised accuracy read back."""

TARGET = "target"
PREDICTED_BOXES = "predicted_boxes"
MODEL_VERSION = "model_version"
"""The champion version that made the prediction."""
CV_MAE = "cv_mae"
"""That champion's cross-validated mean absolute error: how far off a prediction typically is."""
RESIDUAL_SD = "residual_sd"
"""That champion's root-mean-square error on the holdout customers, which it never trained on:
the spread of a customer's actual boxes around the prediction."""
