package dev.lakehouse.emulator.genie;

/** Knobs of the emulated Genie API, bound from properties {@code emulator.genie.*}. */
public class GenieSettings {
}
