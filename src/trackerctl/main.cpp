#include "trackerctl/cli.h"

int main(int argc, char** argv) {
  return tracker::ctl::run(argc, argv);
}
