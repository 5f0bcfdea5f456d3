/**
 * Which files the similarity check reads and how each kind of source file writes its comments,
 * strings and keywords. A file is found by its extension only: student zips carry no other reliable
 * sign of their language, and an unknown extension is not source code for this check.
 */

export interface Language {
  /** Markers that comment out the rest of the line. */
  lineComments: readonly string[];
  /** Opening and closing markers of block comments. */
  blockComments: readonly (readonly [string, string])[];
  /** `#` comments only at the start of a word (shell: `$#` and `${#a}` are not comments). */
  hashAtWordStart: boolean;
  /** `'''` and `"""` strings that may span lines (Python). */
  tripleQuoted: boolean;
  /** Backtick strings that may span lines (JavaScript template literals, Go raw strings). */
  backtick: boolean;
  /** Words kept as themselves; every other identifier becomes one token kind. */
  keywords: ReadonlySet<string>;
}

const words = (text: string): ReadonlySet<string> => new Set(text.split(/\s+/).filter(Boolean));

// One set for the C family: reserved words only, so that a variable called data, value or map still normalises.
const C_FAMILY = words(`
  auto break case char const continue default do double else enum extern float for goto if int long register return
  short signed sizeof static struct switch typedef union unsigned void volatile while bool true false nullptr NULL
  class public private protected virtual template typename namespace using new delete this throw throws try catch
  finally operator friend inline explicit mutable override final constexpr noexcept decltype include define ifdef
  ifndef endif pragma abstract assert boolean byte extends implements import instanceof interface native package
  super synchronized transient yield null function let var async await typeof in of undefined export from debugger
  with declare keyof func chan go defer fallthrough fn mut impl trait pub use mod crate dyn unsafe foreach sealed
  internal delegate fun elseif
`);

const PYTHON = words(`
  and as assert async await break class continue def del elif else except False finally for from global if import in
  is lambda None nonlocal not or pass raise return True try while with yield match case self print range len
`);

const SHELL = words(`
  if then else elif fi case esac for while until do done in function select local export return exit read echo
  printf shift set unset test source break continue true false
`);

const RUBY = words(`
  alias and begin break case class def defined do else elsif end ensure false for if in module next nil not or redo
  rescue retry return self super then true undef unless until when while yield puts require attr_accessor
`);

const LUA = words('and break do else elseif end false for function goto if in local nil not or repeat return then true until while');

const PERL = words('my our local sub if elsif else unless while until for foreach last next redo return use require package print');

const R = words('if else repeat while function for in next break TRUE FALSE NULL Inf NaN NA return library');

const C_LIKE: Language = {
  lineComments: ['//'],
  blockComments: [['/*', '*/']],
  hashAtWordStart: false,
  tripleQuoted: false,
  backtick: true,
  keywords: C_FAMILY,
};

const HASH: Omit<Language, 'keywords'> = { lineComments: ['#'], blockComments: [], hashAtWordStart: false, tripleQuoted: false, backtick: false };

const PYTHON_LANGUAGE: Language = { ...HASH, tripleQuoted: true, keywords: PYTHON };
const SHELL_LANGUAGE: Language = { ...HASH, hashAtWordStart: true, backtick: true, keywords: SHELL };
const RUBY_LANGUAGE: Language = { ...HASH, keywords: RUBY };
const R_LANGUAGE: Language = { ...HASH, keywords: R };
const PERL_LANGUAGE: Language = { ...HASH, keywords: PERL };
const LUA_LANGUAGE: Language = { ...HASH, lineComments: ['--'], blockComments: [['--[[', ']]']], keywords: LUA };
const PHP_LANGUAGE: Language = { ...C_LIKE, lineComments: ['//', '#'] };
const POWERSHELL_LANGUAGE: Language = { ...HASH, blockComments: [['<#', '#>']], keywords: SHELL };

const BY_EXTENSION: Record<string, Language> = {
  ...Object.fromEntries(
    'c h cc cpp cxx c++ hpp hh hxx ino java js mjs cjs jsx ts tsx mts cts cs go rs kt kts swift scala sc dart groovy gradle'
      .split(' ')
      .map((ext) => [ext, C_LIKE]),
  ),
  py: PYTHON_LANGUAGE,
  pyw: PYTHON_LANGUAGE,
  ipy: PYTHON_LANGUAGE,
  sh: SHELL_LANGUAGE,
  bash: SHELL_LANGUAGE,
  zsh: SHELL_LANGUAGE,
  ksh: SHELL_LANGUAGE,
  rb: RUBY_LANGUAGE,
  r: R_LANGUAGE,
  pl: PERL_LANGUAGE,
  pm: PERL_LANGUAGE,
  lua: LUA_LANGUAGE,
  php: PHP_LANGUAGE,
  ps1: POWERSHELL_LANGUAGE,
  psm1: POWERSHELL_LANGUAGE,
};

/** The extensions the similarity check reads (lower case, no dot). */
export const SOURCE_EXTENSIONS: readonly string[] = Object.keys(BY_EXTENSION).sort();

/** The extension of a path, lower case, without the dot ('' when there is none). */
export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The language of a source file, or undefined when the check does not read files like it. */
export function sourceLanguage(path: string): Language | undefined {
  return Object.hasOwn(BY_EXTENSION, extensionOf(path)) ? BY_EXTENSION[extensionOf(path)] : undefined;
}

/** The rules for any text (the teacher's excluded files may have any name): C-like comments. */
export function languageOrDefault(path: string): Language {
  return sourceLanguage(path) ?? C_LIKE;
}

// Folders of installed or generated files: the same in every submission, never the student's own work.
const VENDOR_FOLDERS = new Set(['node_modules', 'bower_components', 'vendor', '.git', '.svn', '__MACOSX', '__pycache__', '.venv', 'venv', '.idea', '.vscode']);

/** Whether a submission's file is compared: a source extension and not inside a vendor or tool folder. */
export function isComparedPath(path: string): boolean {
  if (!sourceLanguage(path)) return false;
  return !path.split(/[/\\]/).some((part) => VENDOR_FOLDERS.has(part));
}
