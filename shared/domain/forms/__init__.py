"""Pre-filled application forms (R7): templates as data, proposals, exact filling.

Each official form is a YAML file in ``templates/`` (cerfa number with its
source, title, every field with its PDF field name and where its value comes
from) next to the PDF it fills. The PDFs here are built by
``scripts/build_form_templates.py`` with the same field names; an operator can
replace one by the official PDF and map its own field names in the YAML, with
no code change.
"""
