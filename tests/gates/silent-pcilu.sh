#!/bin/bash
# A pcilu that fails without saying why: the alloc gate must fail on it.
exit 2
