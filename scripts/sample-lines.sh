# sample-lines.sh: the sample broadcast both demos use (sourced by
# scripts/demo.sh, which speaks it, and scripts/demo-cluster.sh, which posts
# it as text). "v" marks a violation the anchor should be reminded of; "-"
# is clean talk.
LINES=(
  "-|Hello everyone and welcome back to the live room."
  "-|Today I am showing you a lovely winter face cream."
  "v|This cream cures diabetes and lowers your blood pressure."
  "-|It comes in three sizes and the texture is very light."
  "v|It is the best cream in the world."
  "v|For a better price send the money to my personal bank account."
  "v|This is the lowest price ever."
  "-|Thank you all for watching and see you tomorrow."
)
