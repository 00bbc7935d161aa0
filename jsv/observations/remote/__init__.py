"""The checks ``jsv audit`` runs on a reader's deployment, importing nothing of the lab (issue 35).

The runbooks import them from the modules beside this package, which re-export them.
"""
