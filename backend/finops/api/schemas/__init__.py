"""Request and response models, one module per resource (its router in ``api/routes``): ``XPublic``
as returned, ``XCreate``/``XUpdate`` as sent. Money is serialized as a decimal string, never a
float (``common.Money``). Model names are the OpenAPI schema names the dashboard's generated
client uses: renaming one is an API change."""
