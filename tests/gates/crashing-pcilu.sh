#!/bin/sh
# Stands in for a pcilu that crashes on its input: dies of SIGSEGV.
kill -SEGV $$
