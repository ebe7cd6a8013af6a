// Public keys made with ssh-keygen (OpenSSH 9.2) for the auth tests. Public halves only.
#pragma once

namespace wharf::auth::testkeys {

inline constexpr const char* kEd25519 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPnjTQfyfb3misIKTsrEqNTPUcqFZrYL/JUnB/UD8bKK";
inline constexpr const char* kEcdsa256 =
    "ecdsa-sha2-nistp256 "
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBjNPGLQXpjUQlVvCcTHTL4aUmzRdhMZQSwtTDf9t3"
    "Dj7ZSi9atvE2DXC3HHX4UBl27H6uE73YCUX2SLgaNZleY=";
inline constexpr const char* kEcdsa384 =
    "ecdsa-sha2-nistp384 "
    "AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBD877Ovt+"
    "9tNGscOZ31MJ8vaP79qlx0jVQrtd5eb6dE1aXdikGc4XINJ8n33XiYDGC1WQp7v4La80oZYpH3zrypImYlLG4D14D1SVbE"
    "QW+UtXzOLMt11Msg3tCOkbcuZVA==";
inline constexpr const char* kEcdsa521 =
    "ecdsa-sha2-nistp521 "
    "AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBADiZc6wZL5klxl0xjMZ0VGyoVzL1DC+"
    "PENu2C3WDZm0vJQCBjfa9vi1GsoVXV09aPQHg8+BtlwgQ5gW9drzVjg5CQCJQUrtYnVuH77VISoxdiRP5/"
    "OrjfB+ePWzguI+eDTfklJBmhbMV1kV9qiaSoLPVSJ2uX4hDsVTW4FgPTETGsCV4w==";
inline constexpr const char* kRsa =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQCeUws6EC8wqWvpBH2ugBydqpmnttHImZtf7XdzKw68Dkblgwe7Ng3w8gr6Ew5Mhd"
    "hv86E8xXtFJcCMILhOv9ZKyFc9IOt7BnNocofFQ/"
    "eHxO8dopejDEsFx1QQe4SlNPXvuqKvG9eJ6t6NDs1Rf0gzypw5qtuS/RdW/lWBwHgwPYwhRmhEy678F/"
    "HPBemqcXz0w34mEkCEIGcmbIIjOulKLJiU930DRUQSiJNeMLmhsCSN7pTBuXLZ2WBamYrG9CUP5l9CPrCYqeJElP2kha8c"
    "KEgzvMeHkcIooSrlZ2DyRXRo4DI8+T6Apva9mYTEWx+ergNjskoGohpyk8s9mBI7";

}  // namespace wharf::auth::testkeys
