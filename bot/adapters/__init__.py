"""Platform adapters: translate platform events to core events and replies back, nothing else."""
