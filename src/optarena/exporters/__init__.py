"""Export a study to the tools people already use: TensorBoard event files
(``tensorboard.export_tensorboard``) and MLflow runs (``mlflow.export_mlflow``). Both read
only the store; the heavy packages are imported when an export runs."""

TARGETS = ("tensorboard", "mlflow")
