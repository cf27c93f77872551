"""Mautic's stage search syntax, as shown in the search hint and the help screen."""

SEARCH_HINT = (
    "words match name or description · is:published · is:unpublished · is:uncategorized · "
    "is:mine · category:ALIAS · ids:1,2,3 · !negate · +exact · \"a phrase\" · OR · "
    "enter applies, escape cancels"
)

SEARCH_SYNTAX: list[tuple[str, str]] = [
    ("word", "name or description contains the word (words are ANDed)"),
    ("is:published", "published flag on (the publish window is not checked)"),
    ("is:unpublished", "published flag off"),
    ("is:uncategorized", "no category"),
    ("is:mine", "created by you"),
    ("category:ALIAS", "in the category with that alias (exact)"),
    ("ids:1,2,3", "these stage ids"),
    ("!term", "negate a word or command"),
    ("+word", "exact match (no wildcards)"),
    ("\"a phrase\"", "the phrase as one term"),
    ("a OR b", "either term; ( ) groups"),
]
