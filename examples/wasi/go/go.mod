module gasket.example/gotally

go 1.21
