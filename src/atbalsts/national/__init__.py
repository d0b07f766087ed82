"""The national baseline for Latvia (policy ``lv``): Cabinet Regulation No. 89 on unjustified
absence, Children's Rights Protection Law Art. 73, and the PuMPuRS and Skola-kopienā programme
rules, as dated, cited rules. Loaded by default; see :mod:`atbalsts.national.plugin`."""
