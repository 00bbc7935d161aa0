"""The host-side build around the runbooks: images, the pages' execution and Sphinx, cleaning up.

``python -m jsv`` (:mod:`jsv.__main__`) parses the command line and calls these:
:mod:`jsv.build.images` (the Docker engine and the environment images),
:mod:`jsv.build.site` (execute the pages, run Sphinx, check the output for secrets, summarise) and
:mod:`jsv.build.clean`.  :mod:`jsv.execution` (the pool of page workers) sits beside it.
"""
