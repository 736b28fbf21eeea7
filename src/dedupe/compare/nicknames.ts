/**
 * Common English given-name variants mapped to one canonical form, so that "Bob" and "Robert" are an
 * alias rather than a typo. Kept short and uncontroversial: a wrong alias costs precision.
 */
const GROUPS: readonly (readonly string[])[] = [
  ['robert', 'bob', 'bobby', 'rob', 'robbie', 'bert'],
  ['william', 'bill', 'billy', 'will', 'willie', 'liam'],
  ['richard', 'rick', 'ricky', 'dick', 'rich', 'richie'],
  ['james', 'jim', 'jimmy', 'jamie'],
  ['john', 'johnny', 'jack', 'jon'],
  ['jonathan', 'jon', 'jonny'],
  ['michael', 'mike', 'mikey', 'mick', 'mickey'],
  ['thomas', 'tom', 'tommy'],
  ['joseph', 'joe', 'joey'],
  ['charles', 'charlie', 'chuck', 'chas'],
  ['christopher', 'chris', 'kit'],
  ['daniel', 'dan', 'danny'],
  ['matthew', 'matt', 'matty'],
  ['anthony', 'tony'],
  ['andrew', 'andy', 'drew'],
  ['joshua', 'josh'],
  ['nicholas', 'nick', 'nicky'],
  ['benjamin', 'ben', 'benny', 'benji'],
  ['samuel', 'sam', 'sammy'],
  ['alexander', 'alex', 'alec', 'sandy'],
  ['edward', 'ed', 'eddie', 'ted', 'ned'],
  ['steven', 'stephen', 'steve', 'stevie'],
  ['timothy', 'tim', 'timmy'],
  ['patrick', 'pat', 'paddy'],
  ['peter', 'pete'],
  ['david', 'dave', 'davy'],
  ['kenneth', 'ken', 'kenny'],
  ['ronald', 'ron', 'ronnie'],
  ['donald', 'don', 'donnie'],
  ['gregory', 'greg'],
  ['jeffrey', 'geoffrey', 'jeff', 'geoff'],
  ['lawrence', 'laurence', 'larry'],
  ['raymond', 'ray'],
  ['gerald', 'gerry', 'jerry'],
  ['frederick', 'fred', 'freddie', 'freddy'],
  ['henry', 'harry', 'hank'],
  ['francis', 'frank', 'frankie'],
  ['vincent', 'vince', 'vinnie'],
  ['zachary', 'zach', 'zack'],
  ['nathan', 'nathaniel', 'nate'],
  ['elizabeth', 'liz', 'lizzie', 'beth', 'betty', 'eliza', 'libby', 'elisabeth'],
  ['margaret', 'maggie', 'meg', 'peggy', 'marge', 'margie'],
  ['katherine', 'catherine', 'kathryn', 'kate', 'katie', 'kathy', 'cathy', 'kat'],
  ['jennifer', 'jenny', 'jen', 'jenn'],
  ['patricia', 'patty', 'trish', 'tricia'],
  ['susan', 'sue', 'susie', 'suzanne'],
  ['deborah', 'debra', 'deb', 'debbie'],
  ['rebecca', 'becky', 'becca'],
  ['victoria', 'vicky', 'vicki', 'tori'],
  ['christine', 'christina', 'chris', 'tina', 'chrissy'],
  ['jessica', 'jess', 'jessie'],
  ['samantha', 'sam', 'sammy'],
  ['alexandra', 'alex', 'lexi', 'sandra'],
  ['abigail', 'abby', 'abbie'],
  ['barbara', 'barb', 'babs'],
  ['dorothy', 'dot', 'dottie'],
  ['pamela', 'pam'],
  ['kimberly', 'kim'],
  ['stephanie', 'steph'],
  ['caroline', 'carol', 'carrie'],
  ['amanda', 'mandy'],
  ['melissa', 'mel', 'missy'],
  ['theresa', 'teresa', 'terri', 'tess'],
  ['jacqueline', 'jackie'],
  ['eleanor', 'ellie', 'nell', 'nora'],
  ['isabella', 'isabelle', 'bella', 'izzy'],
  ['olivia', 'liv'],
  ['sophia', 'sophie'],
];

const CANONICAL = new Map<string, string>();
for (const group of GROUPS) {
  for (const name of group) {
    // A name in two groups (chris, sam, alex) keeps the first: either is a fair alias.
    if (!CANONICAL.has(name)) CANONICAL.set(name, group[0]!);
  }
}

/** The canonical given name for a folded, lower-case token; the token itself when it has none. */
export function canonicalGivenName(token: string): string {
  return CANONICAL.get(token) ?? token;
}
