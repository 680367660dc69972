"""Running the platform's Airflow: its environment, metadata database and processes."""
