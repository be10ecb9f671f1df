// Debian's LibYAML (libyaml-dev at build time, libyaml-0-2 at run time): the parser and emitter
// behind failoverd's configuration file.
#include <yaml.h>
