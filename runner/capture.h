// Running a short helper command (docker info, docker ps, cooperbench
// --version, redis-server) and capturing what it prints, with a timeout.
// Unlike Launcher::Run it works after cbrun was interrupted, which is when
// leftover containers must still be removed.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cb {

struct Captured {
  bool started = false;
  int exit_code = -1;    // 128+N when killed by signal N
  bool timed_out = false;
  std::string output;    // stdout and stderr together
  std::string error;     // why it did not start
  bool ok() const { return started && !timed_out && exit_code == 0; }
};

// argv[0] is looked up on PATH when it has no '/'. stdin is /dev/null.
Captured Capture(const std::vector<std::string>& argv, double timeout_s,
                 const std::vector<std::pair<std::string, std::string>>& env_set = {});

// The first line of `text` without trailing blanks, for messages.
std::string FirstLine(const std::string& text);

}  // namespace cb
