// The storefront as a program, for `mockhttp suite run` and bench/suite_scale.sh:
//   storefront_app PROXY_URL [PORT]   prints "storefront: http://127.0.0.1:PORT" and serves until SIGTERM.
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "storefront.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: storefront_app PROXY_URL [PORT]\n";
    return 2;
  }
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  shop::Storefront storefront(argv[1], argc > 2 ? std::atoi(argv[2]) : 0);
  std::cout << "storefront: " << storefront.url() << std::endl;
  int received = 0;
  sigwait(&stop_signals, &received);
  return 0;
}
