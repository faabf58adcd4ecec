"""The web interface: a server-rendered Starlette application over the same library as
the CLI (`contractvault serve`). Routes parse a request, call one library (or page-data)
function and map its exceptions; `access` decides who may see and do what."""
