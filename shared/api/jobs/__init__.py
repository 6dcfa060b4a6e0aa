"""The jobs of each worker function (tasks, schedules, events), one module per function."""
