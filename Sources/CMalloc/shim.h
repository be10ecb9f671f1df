// glibc's allocator controls (mallopt, malloc_trim), which the Glibc Swift module leaves out.
#include <malloc.h>
