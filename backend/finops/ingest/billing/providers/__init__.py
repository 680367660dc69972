"""Native billing exports of other providers, each mapped to FOCUS by its published mapping.

One module per provider (``azure``, ``gcp``, ``oci``), each with its mapping SQL next to it;
``detect.py`` recognises them by their columns (and is imported by ``formats.py``, so this
package imports nothing eagerly); ``registry.NATIVE`` is the registry the staging uses.
"""
