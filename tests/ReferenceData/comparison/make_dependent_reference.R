# Generates dependent_psych.csv: Williams' t for two dependent overlapping correlations from R's psych::r.test.
# Command (run from this directory; R 4.2 with Debian's r-cran-psych 2.2.9):
#     Rscript make_dependent_reference.R
#
# For each configuration (r_jk, r_jh, r_kh, n): psych::r.test(n, r12 = r_jk, r13 = r_jh, r23 = r_kh) gives
# Williams' t (Steiger 1980 eq. 7) and its two-tailed p; twotailed = FALSE gives P(T > |t|). The one-sided p-values
# for the 'greater' / 'less' alternatives are R's pt(t, n - 3, lower.tail = FALSE) and pt(t, n - 3).
# Correlation triples come from random 3-variable data sets, so they always form a valid correlation matrix.
suppressPackageStartupMessages(library(psych))
set.seed(20240611)

configs <- list(c(0.2, 0.5, 0.1, 315), c(0.3, 0.4, 0.5, 100), c(0.4, 0.5, 0.1, 103), c(0.396, 0.179, 0.088, 66))
for (i in 1:50) {
  m <- sample(c(8, 15, 40, 200), 1)
  mix <- matrix(rnorm(9), 3, 3)
  x <- matrix(rnorm(m * 3), m, 3) %*% mix
  r <- cor(x)
  n <- sample(c(5, 10, 30, 100, 315, 1000, 5000, 100000), 1)
  configs[[length(configs) + 1]] <- c(r[1, 2], r[1, 3], r[2, 3], n)
}

lines <- "r_jk,r_jh,r_kh,n,t,p_two_sided,p_one_tailed_abs,p_greater,p_less"
for (cfg in configs) {
  rjk <- cfg[1]; rjh <- cfg[2]; rkh <- cfg[3]; n <- cfg[4]
  two <- r.test(n = n, r12 = rjk, r13 = rjh, r23 = rkh)
  one <- r.test(n = n, r12 = rjk, r13 = rjh, r23 = rkh, twotailed = FALSE)
  t <- two$t
  values <- c(rjk, rjh, rkh, n, t, two$p, one$p, pt(t, n - 3, lower.tail = FALSE), pt(t, n - 3))
  lines <- c(lines, paste(sprintf("%.17g", values), collapse = ","))
}
writeLines(lines, "dependent_psych.csv")
cat("wrote dependent_psych.csv with", length(configs), "configurations\n")
