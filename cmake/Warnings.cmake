# Warnings are set per target (never as global flags): call latent_studio_warnings(target).
# CI builds with LATENT_STUDIO_WERROR=ON (scripts/build.sh turns it on when the environment
# variable LATENT_STUDIO_WERROR is 1), so that the warnings stay at zero.
option(LATENT_STUDIO_WERROR "Treat the project's compiler warnings as errors" OFF)

function(latent_studio_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
    if(LATENT_STUDIO_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
