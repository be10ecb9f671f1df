// Empty on purpose: the driver only provides the executable's entry point.
