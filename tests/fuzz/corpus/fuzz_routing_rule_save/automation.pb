

automation"OClose:
statusissolved:
SOLVEDgreater_than96J
status
closed*title*all*actions