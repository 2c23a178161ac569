package dev.lakehouse.emulator.files;

/** Knobs of the emulated Files API, bound from properties {@code emulator.files.*}. */
public class FilesSettings {
}
