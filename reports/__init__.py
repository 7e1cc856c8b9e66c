"""Reports and early warning: figures for any date range computed in SQL, the dashboard, the
weekly flash report and monthly analysis, operator stars and the consumer environment index."""
