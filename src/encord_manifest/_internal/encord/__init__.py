"""The only package that imports the ``encord`` SDK: submit, jobs, verify."""
