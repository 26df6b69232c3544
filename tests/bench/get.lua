-- wrk script: authenticated GET of the path given on the command line.
wrk.headers["Authorization"] = os.getenv("HD_AUTH")
