"""Stop words for the stemmed English and Arabic fields (the exact field keeps every word).

The Arabic list was written for this project: common function words of news Arabic. It is
stored in NORMALISED form (``normalize_arabic``: أ إ آ -> ا, ى -> ي, ة -> ه, ؤ ئ -> ء)
because the stop filter runs after the normaliser. So على and the name علي (Ali) are one
word here; Ali is still found through the exact field. Words that double as names are left
out: أم (Umm, as in أم باطنة), أمام (normalises to إمام, imam), خلف (Khalaf).
"""

# Whoosh's default English list, minus "us" (the US), "may" (the month) and "tbd".
ENGLISH_STOP_WORDS = frozenset("""
    a an and are as at be by can for from have if in is it not of on or
    that the this to we when will with yet you your
""".split())

ARABIC_STOP_WORDS = frozenset("""
    من في علي الي عن مع حتي منذ عند لدي بين حول خلال ضد دون نحو عبر قبل بعد فوق تحت ضمن سوي
    فيه فيها فيهم منه منها منهم عليه عليها عليهم اليه اليها اليهم عنه عنها عنهم
    له لها لهم به بها بهم معه معها معهم بينهم لديه لديها لديهم
    و ف وفي ومن وعلي والي وعن ومع وبين وقد فقد لقد ولا ولم ولن وما وهو وهي وهم
    وكان وكانت وان وانه فان فانه وهذا وهذه وذلك والتي والذي والذين وكل وبعد وقبل وخلال ومنذ وحتي
    او ثم بل لكن لكنه لكنها ولكن ان انه انها انهم بان بانه كان لان اذا اذ لو لولا كي لكي
    حيث بينما كما كلما مما عما فيما بما ربما اما الا غير لذا لذلك لهذا
    هو هي هم هن هما انا نحن انت انتم
    هذا هذه هذان هاتان هذين هاتين ذلك تلك هءلاء اولءك هنا هناك هنالك
    الذي التي الذين اللذين اللتين اللذان اللتان اللواتي اللاتي
    كانت كانوا يكون تكون يكن ليس ليست ليسوا مازال لازال
    قد لن لم لا ما لما هل سوف يا اي ايه كل بعض جميع عده ايضا فقط جدا الان
    حين حينما عندما بعدما كذلك هكذا ذات نفس كلا كلتا اذن حوالي
    ماذا متي اين كيف لماذا كم
    م ه
""".split())
