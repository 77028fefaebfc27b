/**
 * Entry points: argument parsing, commands, and the mapping of errors to one readable line and a distinct exit code
 * (0 ok, 1 internal, 2 config/arguments, 3 model, 4 data, 5 accuracy target missed). Stack traces only with
 * {@code --verbose}.
 */
package dev.sparkptq.cli;
