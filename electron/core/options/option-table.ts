/** The shape of a command's option table: each flag declared once, read by parsing, --help and docs/operations.md. */

/** What every flag declares, whatever its type. */
interface OptionBase {
  /** The "meaning" column of docs/operations.md, in Markdown (--help drops the backticks). */
  help: string;
  /** Names the value in --help, e.g. `DIR` in `--data-dir DIR`. */
  arg?: string;
  /** Describes a default computed at run time (Markdown), where `default` cannot hold it. */
  defaultText?: string;
  /** A one-letter alias, e.g. `f` for `-f` beside `--follow`. */
  short?: string;
}

export interface StringOption extends OptionBase {
  type: 'string';
  default?: string;
  /** Read when the flag is absent, e.g. to keep a secret out of `ps`. */
  env?: string;
  /** Makes the flag required: the sentence printed when it is missing. */
  required?: string;
  /** May be given more than once; the value is then every occurrence, in order (`[]` when absent). */
  multiple?: true;
}

export interface NumberOption extends OptionBase {
  type: 'number';
  default?: number;
  /** Read when the flag is absent. */
  env?: string;
  min: number;
  max: number;
  /** Refuses fractions (ports: `listen` would refuse them later, less clearly). */
  integer?: boolean;
}

/** A switch: present or not, never read from the environment. */
export interface BooleanOption extends OptionBase {
  type: 'boolean';
}

export type OptionSpec = StringOption | NumberOption | BooleanOption;

/** Flag name (without `--`) to its declaration. Declare tables with `satisfies OptionTable` so values stay precisely typed. */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

type ValueOf<S> = S extends { type: 'boolean' }
  ? boolean
  : S extends { multiple: true }
    ? string[]
    : S extends { type: 'number'; default: number }
      ? number
      : S extends { type: 'number' }
        ? number | undefined
        : S extends { default: string } | { required: string }
          ? string
          : string | undefined;

/** The parsed values of a table: a value is `undefined` only where the flag has no default. */
export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]: ValueOf<T[K]> };
