// The headers behind annotations/boost-asio.json (Boost 1.74).
#include <boost/asio.hpp>
